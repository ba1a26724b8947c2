namespace HaSystem.Web.Status;

/// <summary>
/// The anonymous status summary, read at most once per <see cref="Lifetime"/> per web replica however many visitors ask:
/// every read costs an API call and a Redis call, which an anonymous page must not let anyone multiply.
/// </summary>
public sealed class StatusSummaryCache(TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private StatusSummary? _latest;

    public async Task<StatusSummary> GetAsync(Func<CancellationToken, Task<StatusSummary>> read, CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        // One reader at a time: the visitors that queue behind it get what it read.
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            return Fresh() ?? (_latest = await read(cancellationToken));
        }
        finally
        {
            _refresh.Release();
        }
    }

    private StatusSummary? Fresh() => _latest is { } latest && time.GetUtcNow() - latest.TakenAt < Lifetime ? latest : null;

    /// <inheritdoc />
    public void Dispose() => _refresh.Dispose();
}
