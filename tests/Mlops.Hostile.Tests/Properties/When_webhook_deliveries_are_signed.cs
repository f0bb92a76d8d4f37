using System.Globalization;
using System.Text;
using CsCheck;
using Mlops.ModelPromoter.Triggers.Webhooks;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// MLflow's webhook signature: a delivery verifies for exactly the body, secret, delivery id and timestamp it was signed
/// with; any one-bit change of any of them, or of the signature header, is refused; arbitrary headers are answered 400 or
/// 401, never an exception; and the body parser refuses what is not an MLflow event with its FormatException only.
/// </summary>
public sealed class When_webhook_deliveries_are_signed
{
    private const long Runs = 400;
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private static readonly int[] Refusals = [400, 401];

    private static readonly Gen<Delivery> Deliveries =
        from body in Gen.Byte.Array[0, 300]
        from secret in Gen.String[Gen.Char['!', '~'], 8, 64]
        from id in Gen.Guid
        from skew in Gen.Int[-290, 290]
        select new Delivery(body, secret, id.ToString("D"), (Now.ToUnixTimeSeconds() + skew).ToString(CultureInfo.InvariantCulture));

    [Fact]
    public void Should_verify_a_delivery_signed_with_the_secret() =>
        Deliveries.Sample(d =>
        {
            var check = d.Check();
            Assert.True(check.Accepted, check.Reason);
            Assert.Equal(Guid.Parse(d.DeliveryId), check.DeliveryId);
        }, iter: Runs);

    [Fact]
    public void Should_refuse_a_delivery_with_any_one_bit_changed()
    {
        var gen = from d in Deliveries
                  from part in Gen.Int[0, 4]
                  from bit in Gen.Int[0, int.MaxValue]
                  select (d, part, bit);
        gen.Sample(t =>
        {
            var (d, part, bit) = t;
            var changed = part switch
            {
                0 when d.Body.Length > 0 => d with { Body = Flip(d.Body, bit) },
                0 => d with { Body = [1] },
                1 => d with { Secret = FlipAscii(d.Secret, bit) },
                2 => d with { DeliveryId = FlipAscii(d.DeliveryId, bit) },
                3 => d with { Timestamp = FlipAscii(d.Timestamp, bit) },
                _ => d with { Signature = FlipAscii(d.Signature, bit) },
            };
            var check = changed.Check();
            Assert.False(check.Accepted, $"part {part} changed, still verified");
            Assert.Contains(check.Status, Refusals);
        }, iter: Runs * 2);
    }

    [Fact]
    public void Should_refuse_any_other_spelling_of_the_signature_even_one_that_decodes_to_the_same_bytes() =>
        Deliveries.Select(Gen.Int[0, 2], (d, spelling) => (d, spelling)).Sample(t =>
        {
            var (d, spelling) = t;
            var text = d.Signature["v1,".Length..];
            // 32 bytes take 43 base64 digits and '=': the last digit carries two bits that decoding drops.
            const string Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            var last = Digits.IndexOf(text[42], StringComparison.Ordinal);
            var respelled = spelling switch
            {
                0 => text[..42] + Digits[last ^ 1] + "=",
                1 => text[..20] + " " + text[20..],
                _ => text[..43],
            };
            Assert.Equal(Convert.FromBase64String(text), Convert.FromBase64String(respelled.PadRight(44, '=')));
            var check = (d with { Signature = "v1," + respelled }).Check();
            Assert.False(check.Accepted, $"'{respelled}' verified in place of '{text}'");
        }, iter: Runs);

    [Fact]
    public void Should_refuse_a_signed_delivery_whose_time_is_outside_the_tolerance() =>
        Deliveries.Select(Gen.Int[301, 1_000_000_000], Gen.Bool, (d, off, late) =>
            d.Resigned((Now.ToUnixTimeSeconds() + (late ? -off : off)).ToString(CultureInfo.InvariantCulture))).Sample(d =>
        {
            var check = d.Check();
            Assert.Equal(401, check.Status);
            Assert.Contains("timestamp", check.Reason, StringComparison.Ordinal);
        }, iter: Runs);

    [Fact]
    public void Should_answer_arbitrary_headers_with_400_or_401_and_never_throw()
    {
        var header = Gen.Frequency((4, HostileText.Any), (1, Gen.Const((string)null!)), (1, Gen.Const("v1,")), (1, Gen.Guid.Select(g => g.ToString())));
        Gen.Select(header, header, header, Gen.Byte.Array[0, 50], Gen.Frequency((3, HostileText.Any), (1, Gen.Const((string)null!)))).Sample(
            (id, timestamp, signature, body, secret) =>
            {
                var check = MlflowWebhookSignature.Check(id, timestamp, signature, body, secret, Now, Tolerance);
                Assert.Contains(check.Status, Refusals);
                Assert.False(string.IsNullOrWhiteSpace(check.Reason));
            }, iter: Runs);
    }

    [Fact]
    public void Should_refuse_a_body_that_is_not_an_MLflow_event_only_with_a_FormatException() =>
        Gen.Frequency(
            (3, JsonShapes.Document("entity", "action", "timestamp", "data", "name", "version", "alias", "run_id", "source")),
            (1, Gen.Byte.Array[0, 100].Select(b => Encoding.UTF8.GetString(b)))).Sample(body =>
        {
            try
            {
                var parsed = MlflowWebhookEvent.Parse(Encoding.UTF8.GetBytes(body));
                Assert.Contains('.', parsed.Name);
            }
            catch (FormatException refused)
            {
                Assert.False(string.IsNullOrWhiteSpace(refused.Message));
            }
        }, iter: Runs * 2);

    private static byte[] Flip(byte[] bytes, int bit)
    {
        var copy = bytes.ToArray();
        copy[bit / 8 % copy.Length] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    // One of the low seven bits of one character: the text stays ASCII, as headers are.
    private static string FlipAscii(string text, int bit)
    {
        var chars = text.ToCharArray();
        var at = bit / 7 % chars.Length;
        chars[at] = (char)(chars[at] ^ (1 << (bit % 7)));
        return new string(chars);
    }

    /// <summary>One delivery as MLflow signs it.</summary>
    private sealed record Delivery(byte[] Body, string Secret, string DeliveryId, string Timestamp)
    {
        public string Signature { get; init; } = Sign(Body, Secret, DeliveryId, Timestamp);

        public Delivery Resigned(string timestamp) => this with { Timestamp = timestamp, Signature = Sign(Body, Secret, DeliveryId, timestamp) };

        public MlflowWebhookCheck Check() =>
            MlflowWebhookSignature.Check(DeliveryId, Timestamp, Signature, Body, Secret == "" ? null : Secret, Now, Tolerance);

        // Checked against the signer: the product's Compute would hide a fault the product and the test shared.
        private static string Sign(byte[] body, string secret, string deliveryId, string timestamp) =>
            "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.").Concat(body).ToArray()));
    }
}
