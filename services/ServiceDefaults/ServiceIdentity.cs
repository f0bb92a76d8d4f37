using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Mlops.ServiceDefaults;

/// <summary>
/// Who this process is on the bus: the kebab-case service name that prefixes its queues and names
/// its broker connection, e.g. <c>model-promoter</c> for <c>Mlops.ModelPromoter</c>.
/// </summary>
public sealed record ServiceIdentity(string Name)
{
    /// <summary>Reads <c>Service:Name</c>, else derives the name from the application name.</summary>
    public static ServiceIdentity From(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["Service:Name"];
        if (!string.IsNullOrWhiteSpace(configured))
            return new ServiceIdentity(configured.Trim());
        var application = builder.Environment.ApplicationName;
        var lastDot = application.LastIndexOf('.');
        return new ServiceIdentity(ToKebabCase(lastDot >= 0 ? application[(lastDot + 1)..] : application));
    }

    /// <summary><c>ModelPromoter</c> becomes <c>model-promoter</c>.</summary>
    public static string ToKebabCase(string pascal)
    {
        var result = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1]))))
                result.Append('-');
            result.Append(char.ToLowerInvariant(c));
        }
        return result.ToString();
    }
}
