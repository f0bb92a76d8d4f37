using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace Mlops.Clients.Mlflow;

/// <summary>
/// Adds MLflow's credentials to each attempt and takes them off the request again once it is answered, so an
/// exception that carries the request (Refit's <c>ApiException</c>) never carries the secret.
/// </summary>
public sealed class MlflowAuthentication(IOptions<MlflowClientOptions> options) : DelegatingHandler
{
    private readonly AuthenticationHeaderValue? _header = HeaderOf(options.Value);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_header is null)
            return await base.SendAsync(request, cancellationToken);
        request.Headers.Authorization = _header;
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            request.Headers.Authorization = null;
        }
    }

    private static AuthenticationHeaderValue? HeaderOf(MlflowClientOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
            return new AuthenticationHeaderValue("Bearer", options.Token);
        if (!string.IsNullOrEmpty(options.Username) && !string.IsNullOrEmpty(options.Password))
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        return null;
    }
}
