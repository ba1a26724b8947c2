using System.Net;
using System.Net.Http.Json;

namespace HaSystem.Worker.Api;

/// <summary>The worker's calls to the API, as the <c>worker</c> service.</summary>
public sealed class WorkerApiClient(HttpClient http)
{
    public async Task<IReadOnlyList<ReportProgress>> GetReportProgressAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<IReadOnlyList<ReportProgress>>("/api/reports/progress", cancellationToken) ?? [];

    /// <summary>Writes one report with the leader's fencing token.</summary>
    public async Task<ReportOutcome> ProduceReportAsync(SalesReportInput report, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/reports", report, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return ReportOutcome.Produced;
        }

        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(cancellationToken);
            return problem?.Type == ProblemTypes.AlreadyProduced ? ReportOutcome.AlreadyProduced : ReportOutcome.StaleToken;
        }

        response.EnsureSuccessStatusCode();
        throw new HttpRequestException($"Unexpected answer {(int)response.StatusCode} to a report.", null, response.StatusCode);
    }

    public async Task<WarmupResult> WarmCacheAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync("/api/catalog/cache/warm", null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<WarmupResult>(cancellationToken) ?? new WarmupResult(new Dictionary<string, int>());
    }

    private sealed record Problem(string? Type, string? Title);
}

public enum ReportOutcome
{
    Produced,
    AlreadyProduced,

    /// <summary>The API has accepted a higher fencing token: another replica leads now.</summary>
    StaleToken,
}
