namespace Mlops.SagaStore.Storage;

/// <summary>Names of the parameters in the statements both engines share, spelled as each driver binds them cheapest.</summary>
/// <remarks>
/// Npgsql copies a name to strip a leading '@'; Microsoft.Data.Sqlite looks a name without one up under every prefix it
/// knows. Either would cost an allocation per parameter on every transition, so each engine gets its own spelling.
/// </remarks>
internal sealed class ParameterNames
{
    public static readonly ParameterNames Bare = new("");
    public static readonly ParameterNames Prefixed = new("@");

    private readonly string _prefix;

    private ParameterNames(string prefix)
    {
        _prefix = prefix;
        Id = prefix + "id";
        State = prefix + "state";
        FlowId = prefix + "flow_id";
        Data = prefix + "data";
        At = prefix + "at";
        FinishedAt = prefix + "finished_at";
        DeadlineAt = prefix + "deadline_at";
        DeadlineEvent = prefix + "deadline_event";
        Expected = prefix + "expected";
        SagaType = prefix + "saga_type";
        Event = prefix + "event";
        FromState = prefix + "from_state";
        ToState = prefix + "to_state";
        MessageId = prefix + "message_id";
        Error = prefix + "error";
        Now = prefix + "now";
        Limit = prefix + "limit";
        Offset = prefix + "offset";
        InboxConsumer = prefix + "inbox_consumer";
        InboxMessage = prefix + "inbox_message";
        Available = prefix + "available";
        Origin = prefix + "origin";
        MessageCount = prefix + "message_count";
        Messages = prefix + "messages";
        Before = prefix + "before";
        Kind = prefix + "kind";
        Key = prefix + "key";
        Value = prefix + "value";
        DeadlineError = prefix + "deadline_error";
    }

    public string Id { get; }
    public string State { get; }
    public string FlowId { get; }
    public string Data { get; }
    public string At { get; }
    public string FinishedAt { get; }
    public string DeadlineAt { get; }
    public string DeadlineEvent { get; }
    public string Expected { get; }
    public string SagaType { get; }
    public string Event { get; }
    public string FromState { get; }
    public string ToState { get; }
    public string MessageId { get; }
    public string Error { get; }
    public string Now { get; }
    public string Limit { get; }
    public string Offset { get; }
    public string InboxConsumer { get; }
    public string InboxMessage { get; }
    public string Available { get; }
    public string Origin { get; }
    public string MessageCount { get; }
    public string Messages { get; }
    public string Before { get; }
    public string Kind { get; }
    public string Key { get; }
    public string Value { get; }
    public string DeadlineError { get; }

    /// <summary>The parameter of the <paramref name="n"/>-th <c>[SagaIndex]</c> column.</summary>
    public string Index(int n) => _prefix + "ix" + n;
}
