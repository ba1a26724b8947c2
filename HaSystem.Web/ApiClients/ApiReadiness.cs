namespace HaSystem.Web.ApiClients;

/// <summary>The API's <c>/health/ready</c> answer, of which the summary status page needs only the overall status.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
public sealed record ApiReadiness(string Status);
