namespace HaSystem.ApiService.Fencing;

/// <summary>
/// A write carried a fencing token lower than one already accepted (or the same one from another holder): its lease
/// ended and someone else holds it now (409).
/// </summary>
public sealed class StaleFencingTokenException(string resource, long token, long lastAccepted)
    : Exception($"Fencing token {token} for '{resource}' is stale: {lastAccepted} was already accepted.")
{
    public string Resource { get; } = resource;

    public long Token { get; } = token;

    public long LastAccepted { get; } = lastAccepted;
}
