using Mlops.Ctl;

namespace Mlops.Ops.Tests;

/// <summary>mlopsctl errors list masks what looks like a secret in a fault reason before printing it.</summary>
public sealed class FaultTextTests
{
    [Theory]
    [InlineData("Connection to amqp://ops:s3cret-pass@rabbit:5672/ refused", "Connection to amqp://***@rabbit:5672/ refused")]
    [InlineData("Host=db;Username=mlops;Password=hunter2-hunter2;Database=x", "Host=db;Username=mlops;Password=***;Database=x")]
    [InlineData("bad token: abc123xyz for secret=shh", "bad token: *** for secret=***")]
    [InlineData("pool lab-2 has no 4 h free", "pool lab-2 has no 4 h free")]
    public void Should_mask_url_credentials_and_secret_pairs(string fault, string shown) => Assert.Equal(shown, FaultText.Mask(fault));
}
