using System.Reflection;
using System.Text.Json;
using MassTransit;
using MassTransit.Context;
using MassTransit.Serialization;

namespace Mlops.Contracts.Tests;

public sealed class MessageRoundTripTests
{
    /// <summary>Every command and event the services exchange; a rename breaks every deployed service that binds to it by name.</summary>
    public static readonly string[] DesignedMessages =
    [
        "ProvisionStack", "StartTraining", "PromoteModel", "ApprovePromotion", "RollbackModel", "RetireModel", "ReplaySaga", "CancelSaga", "GetStackStatus",
        "SecretsReady", "MinioBucketReady", "BucketNotificationsConfigured", "StackReady", "StackProvisioningFailed", "StackStatus",
        "TrainingRunStarted", "TrainingJobSubmitted", "TrainingRunSucceeded", "TrainingRunFailed", "ModelRegistered",
        "PromotionStarted", "ServingRolloutStarted", "ServingRolloutComplete", "ServingRolloutFailed", "ModelRolledBack", "ModelPromoted",
    ];

    public static TheoryData<string> MessageTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(IFlowMessage).Assembly.GetTypes().Where(t => t.IsClass && typeof(IFlowMessage).IsAssignableFrom(t)))
            data.Add(type.Name);
        return data;
    }

    [Fact]
    public void Should_have_every_designed_message_as_a_flow_message()
    {
        var names = typeof(IFlowMessage).Assembly.GetTypes().Where(t => typeof(IFlowMessage).IsAssignableFrom(t)).Select(t => t.Name).ToHashSet();
        Assert.All(DesignedMessages, name => Assert.Contains(name, names));
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Should_come_back_equal_through_the_MassTransit_serializer(string typeName)
    {
        var type = typeof(IFlowMessage).Assembly.GetTypes().Single(t => t.Name == typeName);
        var original = (IFlowMessage)SampleValues.Create(type);

        var roundTripped = (IFlowMessage)typeof(MessageRoundTripTests)
            .GetMethod(nameof(RoundTrip), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [original])!;

        Assert.Equal(original.FlowId, roundTripped.FlowId);
        Assert.Equal(original.OccurredAt, roundTripped.OccurredAt);
        Assert.Equal(JsonSerializer.Serialize(original, type), JsonSerializer.Serialize(roundTripped, type));
    }

    [Fact]
    public void Should_refuse_a_message_without_its_FlowId()
    {
        var body = """{"occurredAt":"2026-11-20T10:15:03Z","stackName":"homelab","bucketName":"mlflow"}""";
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<MinioBucketReady>(body, SystemTextJsonMessageSerializer.Options));
    }

    private static T RoundTrip<T>(T message) where T : class
    {
        var serializer = new SystemTextJsonMessageSerializer();
        var send = new MessageSendContext<T>(message) { MessageId = NewId.NextGuid() };
        var body = serializer.GetMessageBody(send);
        var context = serializer.Deserialize(body, send.Headers);
        Assert.True(context.TryGetMessage<T>(out var result), $"{typeof(T).Name} did not deserialize");
        return result!;
    }
}
