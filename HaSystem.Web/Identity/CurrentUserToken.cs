using System.Security.Claims;

namespace HaSystem.Web.Identity;

/// <summary>The API token of the user of the current request, looked up once per request.</summary>
public sealed class CurrentUserToken(IHttpContextAccessor http, ApiTokenStore store)
{
    private TokenLookup? _lookup;

    public async Task<TokenLookup> GetAsync(CancellationToken cancellationToken)
    {
        if (_lookup is not null)
        {
            return _lookup;
        }

        var id = http.HttpContext?.User.FindFirstValue(WebClaims.TokenSession);
        _lookup = id is null ? TokenLookup.Missing : await store.FindAsync(id, cancellationToken);
        return _lookup;
    }
}
