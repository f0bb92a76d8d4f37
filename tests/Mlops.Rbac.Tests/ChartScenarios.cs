using Mlops.Testing.Chart;

namespace Mlops.Rbac.Tests;

/// <summary>Each <c>ci/*-values.yaml</c> of the chart, as theory data.</summary>
public static class ChartScenarios
{
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in ChartValues.Scenarios())
            data.Add(scenario);
        return data;
    }
}
