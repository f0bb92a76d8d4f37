using System.Text;
using MassTransit;

namespace Mlops.Ops.Tests.Architecture;

/// <summary>A saga's declared states and transitions as a Mermaid state diagram, the block docs/architecture.md holds for it.</summary>
public static class SagaDiagram
{
    public static string Of<TSaga>(StateMachine<TSaga> machine)
        where TSaga : class, SagaStateMachineInstance
    {
        ArgumentNullException.ThrowIfNull(machine);
        var transitions = new SagaTransitions<TSaga>().Read(machine)
            .Select(t => (From: Node(t.From), Event: Label(t.Event), To: Node(t.To)))
            .Where(t => t.From != t.To || t.From != "[*]")
            .Distinct()
            .OrderBy(t => t.From == "[*]" ? "" : t.From, StringComparer.Ordinal).ThenBy(t => t.Event, StringComparer.Ordinal).ThenBy(t => t.To, StringComparer.Ordinal)
            .ToList();
        var text = new StringBuilder("```mermaid\nstateDiagram-v2\n");
        foreach (var (from, label, to) in transitions)
            text.Append(FormattableString.Invariant($"    {from} --> {to} : {label}\n"));
        var reached = transitions.SelectMany(t => new[] { t.From, t.To }).ToHashSet(StringComparer.Ordinal);
        // A request's own state (StackStatusRequest.Pending) is MassTransit's, entered while a request waits, never a step of ours.
        var inCode = machine.States.Select(s => s.Name)
            .Where(n => Node(n) != "[*]" && !reached.Contains(n) && !n.EndsWith(".Pending", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var state in inCode)
            text.Append(FormattableString.Invariant($"    {state}\n"));
        text.Append("```\n");
        if (inCode.Count > 0)
            text.Append(FormattableString.Invariant($"\nEntered only from handler code or a failed step, so drawn without arrows: {string.Join(", ", inCode.Select(s => $"`{s}`"))}.\n"));
        return text.ToString();
    }

    private static string Node(string state) => state is "Initial" or "Final" ? "[*]" : state;

    // Mermaid ends a label at ':' and reads ';' as a statement end.
    private static string Label(string @event) => @event.Replace(':', ' ').Replace(';', ' ');
}
