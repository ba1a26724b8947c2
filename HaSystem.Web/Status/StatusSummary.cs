namespace HaSystem.Web.Status;

/// <summary>
/// What an anonymous visitor of the status page sees where diagnostics are closed: each component <c>up</c>,
/// <c>degraded</c> or <c>down</c>, and nothing an attacker could aim with (no process ids, addresses, topology or tokens).
/// </summary>
public sealed record StatusSummary(IReadOnlyList<ComponentState> Components, DateTimeOffset TakenAt);

public sealed record ComponentState(string Component, string State)
{
    public const string Up = "up";
    public const string Degraded = "degraded";
    public const string Down = "down";
}
