using System.Text.Json;
using HaSystem.Coordination.Resilience;

namespace HaSystem.Web.Cart;

/// <summary>
/// The cart in the user's <see cref="ISession"/> (Redis, <c>state</c> role). Loading never throws: an unreachable
/// session store reads as "unavailable", and a change is saved at once so the page can say whether it was kept.
/// </summary>
/// <remarks>
/// Scoped: the first load is kept for the request. A session whose load failed reads as empty
/// afterwards; treating that as the cart and saving it would overwrite the real one once Redis is back.
/// </remarks>
public sealed partial class CartStore(IHttpContextAccessor http, ILogger<CartStore> logger)
{
    private const string SessionKey = "cart";

    // The load itself is kept (not its result), so the layout and the page that render at once share one Redis read.
    private Task<CartState>? _loading;

    public Task<CartState> LoadAsync(CancellationToken cancellationToken) => _loading ??= ReadAsync(cancellationToken);

    private async Task<CartState> ReadAsync(CancellationToken cancellationToken)
    {
        var session = Session;
        try
        {
            await session.LoadAsync(cancellationToken);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex) || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogNotLoaded(logger, ex.GetType());
            return CartState.Unavailable;
        }

        if (!session.IsAvailable)
        {
            return CartState.Unavailable;
        }

        var json = session.GetString(SessionKey);
        var cart = json is null ? null : JsonSerializer.Deserialize<ShoppingCart>(json);
        return new CartState(cart is not null && cart.Owner == Owner ? cart : ShoppingCart.Empty with { Owner = Owner }, true);
    }

    private string? Owner => http.HttpContext?.User is { Identity.IsAuthenticated: true } user
        ? $"{user.FindFirst(Identity.WebClaims.Tenant)?.Value}/{user.Identity.Name}"
        : null;

    /// <summary>Loads, changes and saves the cart; <see langword="false"/> when the session store cannot be reached.</summary>
    public async Task<bool> UpdateAsync(Func<ShoppingCart, ShoppingCart> change, CancellationToken cancellationToken)
    {
        var state = await LoadAsync(cancellationToken);
        if (!state.IsAvailable)
        {
            return false;
        }

        var changed = change(state.Cart);
        if (!await SaveAsync(changed, cancellationToken))
        {
            // Put the cart back as it was, so that the session middleware's own save at the end of the request cannot
            // store a change the user was told was not kept.
            Session.SetString(SessionKey, JsonSerializer.Serialize(state.Cart));
            return false;
        }

        _loading = Task.FromResult(state with { Cart = changed });
        return true;
    }

    /// <summary>Empties the session (sign-out); an unreachable store is left to expire it.</summary>
    public async Task ForgetAsync(CancellationToken cancellationToken)
    {
        if ((await LoadAsync(cancellationToken)).IsAvailable)
        {
            Session.Clear();
            if (await CommitAsync(cancellationToken))
            {
                _loading = Task.FromResult(new CartState(ShoppingCart.Empty with { Owner = Owner }, true));
            }
        }
    }

    private async Task<bool> SaveAsync(ShoppingCart cart, CancellationToken cancellationToken)
    {
        Session.SetString(SessionKey, JsonSerializer.Serialize(cart));
        return await CommitAsync(cancellationToken);
    }

    // Saved now rather than by the session middleware after the response, whose failure nobody would see.
    private async Task<bool> CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Session.CommitAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotSaved(logger, ex);
            return false;
        }
    }

    private ISession Session => http.HttpContext?.Session ?? throw new InvalidOperationException("The cart is used outside a request.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The session could not be saved.")]
    private static partial void LogNotSaved(ILogger logger, Exception exception);


    [LoggerMessage(Level = LogLevel.Warning, Message = "The session could not be loaded ({Reason}); the cart is shown as unavailable.")]
    private static partial void LogNotLoaded(ILogger logger, Type reason);
}

/// <summary>The cart, or the news that the session store cannot be reached right now.</summary>
public sealed record CartState(ShoppingCart Cart, bool IsAvailable)
{
    public static readonly CartState Unavailable = new(ShoppingCart.Empty, false);
}
