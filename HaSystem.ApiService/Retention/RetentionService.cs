using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Retention;

/// <summary>Runs <see cref="RetentionPruner"/> every <see cref="RetentionOptions.Interval"/>; a failed run is logged and tried at the next.</summary>
public sealed partial class RetentionService(IServiceScopeFactory scopes, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var pruned = await scope.ServiceProvider.GetRequiredService<RetentionPruner>().PruneAsync(stoppingToken);
                if (pruned.Fences + pruned.Reports > 0)
                {
                    LogPruned(logger, pruned.Fences, pruned.Reports);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPruneFailed(logger, ex, options.Value.Interval);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {Fences} fences and {Reports} sales reports.")]
    private static partial void LogPruned(ILogger logger, int fences, int reports);


    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention could not prune this time; it tries again in {Interval}.")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception, TimeSpan interval);
}
