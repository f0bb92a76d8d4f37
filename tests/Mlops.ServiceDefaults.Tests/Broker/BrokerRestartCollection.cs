namespace Mlops.ServiceDefaults.Tests.Broker;

/// <summary>
/// The tests that stop a RabbitMQ node of their own run one after another: two nodes booting at once on a two-core machine
/// would stretch every outage and every reconnection they measure.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrokerRestartCollection
{
    public const string Name = "broker restarts";
}
