namespace HaSystem.Web.Status;

/// <summary>
/// Whether the status page shows the replicas' insides (<see cref="SystemStatus"/>) or only the
/// <see cref="StatusSummary"/>: see <see cref="Microsoft.Extensions.Hosting.DiagnosticsExposure"/>.
/// </summary>
public sealed record StatusPageExposure(bool Detailed);
