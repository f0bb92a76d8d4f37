using System.Globalization;
using System.Text;

namespace Mlops.Sandbox.Training;

/// <summary>The input example the training logs with its model: one 3×4×4 image tensor, as <c>{"inputs": …}</c>.</summary>
public static class InputExample
{
    public static string Json()
    {
        var text = new StringBuilder("{\"inputs\": [[");
        for (var channel = 0; channel < 3; channel++)
        {
            text.Append(channel > 0 ? ", [" : "[");
            for (var row = 0; row < 4; row++)
            {
                text.Append(row > 0 ? ", [" : "[");
                text.Append(string.Join(", ", Enumerable.Range(0, 4).Select(col => ((channel * 16 + row * 4 + col) / 48.0).ToString("0.000", CultureInfo.InvariantCulture))));
                text.Append(']');
            }
            text.Append(']');
        }
        return text.Append("]]}").ToString();
    }
}
