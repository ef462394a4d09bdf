using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

public class DiscountAmountTests
{
    [Fact]
    public void A_money_object_is_a_flat_discount_and_round_trips()
    {
        var amount = TeamUpJson.Deserialize<DiscountAmount>(Payloads.Money45)!;

        Assert.False(amount.IsPercent);
        Assert.Equal(45m, amount.Flat!.Decimal);
        JsonAssert.Equivalent(Payloads.Money45, TeamUpJson.Serialize(amount));
    }

    [Fact]
    public void A_number_is_a_percent_discount_and_round_trips()
    {
        var amount = TeamUpJson.Deserialize<DiscountAmount>("12.5")!;

        Assert.True(amount.IsPercent);
        Assert.Equal(12.5m, amount.Percent);
        Assert.Equal("12.5%", amount.ToString());
        JsonAssert.Equivalent("12.5", TeamUpJson.Serialize(amount));
    }

    [Fact]
    public void Anything_else_is_a_clear_error() =>
        Assert.Throws<Newtonsoft.Json.JsonSerializationException>(() => TeamUpJson.Deserialize<DiscountAmount>("[1]"));
}
