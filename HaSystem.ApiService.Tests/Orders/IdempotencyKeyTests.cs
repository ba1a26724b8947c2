using HaSystem.ApiService.Orders;
using HaSystem.Contracts.Orders;

namespace HaSystem.ApiService.Tests.Orders;

/// <summary>What an <c>Idempotency-Key</c> may be, and what "the same request" means for a repeated key.</summary>
public sealed class IdempotencyKeyTests
{
    // Guards the Redis key the lock is built from: a key with ':' or '*' could reach another user's lock or a pattern.
    [Theory]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", true)]
    [InlineData("checkout_42.retry-1", true)]
    [InlineData("k", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("a:b", false)]
    [InlineData("lock:*", false)]
    [InlineData("../../x", false)]
    [InlineData("key with spaces", false)]
    [InlineData("ключ", false)]
    [InlineData("tab\t", false)]
    public void A_key_is_1_to_100_letters_digits_dashes_underscores_or_dots(string value, bool valid)
    {
        Assert.Equal(valid, IdempotencyKey.TryParse(value, out var key));
        Assert.Equal(valid ? value : null, valid ? key.Value : null);
    }

    [Fact]
    public void A_key_has_at_most_100_characters_and_none_is_not_a_key()
    {
        Assert.True(IdempotencyKey.TryParse(new string('k', 100), out _));
        Assert.False(IdempotencyKey.TryParse(new string('k', 101), out _));
        Assert.False(IdempotencyKey.TryParse(null, out _));
    }

    // Guards the 422 for a reused key: the same lines are the same request, anything else is not.
    [Fact]
    public void The_same_lines_hash_alike_and_a_different_quantity_or_product_does_not()
    {
        var order = new OrderRequest([new OrderLineRequest(7, 1), new OrderLineRequest(9, 2)]);

        Assert.Equal(order.Hash(), new OrderRequest([new OrderLineRequest(7, 1), new OrderLineRequest(9, 2)]).Hash());
        Assert.NotEqual(order.Hash(), new OrderRequest([new OrderLineRequest(7, 1), new OrderLineRequest(9, 3)]).Hash());
        Assert.NotEqual(order.Hash(), new OrderRequest([new OrderLineRequest(7, 1), new OrderLineRequest(8, 2)]).Hash());
        Assert.NotEqual(order.Hash(), new OrderRequest([new OrderLineRequest(7, 1)]).Hash());
        Assert.Equal(64, order.Hash().Length);
    }
}
