namespace HaSystem.Web.Cart;

/// <summary>One product in the cart, with the name and price it was shown with (the API prices the order).</summary>
public sealed record CartLine(long ProductId, string Name, decimal UnitPrice, int Quantity)
{
    public decimal Total => UnitPrice * Quantity;
}

/// <summary>
/// What the session holds for the shop: the cart, the idempotency key of the checkout being prepared, and the last
/// checkout placed (so that a second submit of the same checkout finds its order instead of placing another).
/// </summary>
public sealed record ShoppingCart(IReadOnlyList<CartLine> Lines, string? CheckoutKey, PlacedCheckout? LastCheckout)
{
    /// <summary>
    /// Whose cart it is (<c>{tenant}/{user}</c>). A session outlives a sign-out that could not reach Redis, and one
    /// browser may be used by several people: a cart read by anyone else is an empty one.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>The most of one product a cart holds; the API accepts up to 1,000 per line.</summary>
    public const int MaxQuantity = 99;

    /// <summary>The most lines a cart holds; the API accepts up to 50 per order.</summary>
    public const int MaxLines = 50;

    public static readonly ShoppingCart Empty = new([], null, null);

    public int ItemCount => Lines.Sum(l => l.Quantity);

    public decimal Total => Lines.Sum(l => l.Total);

    /// <summary>
    /// Adds (or tops up) a product; any change starts a new checkout key, since it is a different order. A product that
    /// would be line <see cref="MaxLines"/> + 1 is not added: the same cart comes back.
    /// </summary>
    public ShoppingCart Add(long productId, string name, decimal unitPrice, int quantity)
    {
        var existing = Lines.FirstOrDefault(l => l.ProductId == productId);
        if (existing is null && Lines.Count >= MaxLines)
        {
            return this;
        }

        var line = new CartLine(productId, name, unitPrice, Math.Clamp((existing?.Quantity ?? 0) + quantity, 1, MaxQuantity));
        var lines = existing is null ? [.. Lines, line] : Lines.Select(l => l.ProductId == productId ? line : l).ToList();
        return this with { Lines = lines, CheckoutKey = null };
    }

    public ShoppingCart Remove(long productId) =>
        this with { Lines = Lines.Where(l => l.ProductId != productId).ToList(), CheckoutKey = null };

    /// <summary>The key of the checkout being prepared, created on first need.</summary>
    public ShoppingCart WithCheckoutKey() => CheckoutKey is null ? this with { CheckoutKey = Guid.NewGuid().ToString("N") } : this;

    /// <summary>The order for <paramref name="key"/> was placed: the cart is emptied and the checkout remembered.</summary>
    public ShoppingCart Placed(string key, long orderId) => new([], null, new PlacedCheckout(key, orderId)) { Owner = Owner };
}

public sealed record PlacedCheckout(string Key, long OrderId);
