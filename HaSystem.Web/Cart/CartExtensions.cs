namespace HaSystem.Web.Cart;

public static class CartExtensions
{
    /// <summary>The cart in the user's session (needs <c>AddRedisSessions</c>).</summary>
    public static IHostApplicationBuilder AddShoppingCart(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CartStore>();
        return builder;
    }
}
