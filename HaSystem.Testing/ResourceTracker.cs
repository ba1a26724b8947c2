using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaSystem.Testing;

/// <summary>
/// Keeps the latest snapshot and the last log lines of every resource instance, so a test that times out can
/// print what each process was doing instead of just "timeout".
/// </summary>
public sealed class ResourceTracker : IAsyncDisposable
{
    // Enough to hold a failover's warnings and their exceptions (LogLinesOf), for the message of a test that failed there.
    private const int LogLinesKept = 400;

    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private readonly ConcurrentDictionary<string, Task> _logWatchers = new();
    private readonly ConcurrentDictionary<string, (string Resource, TimeSpan At)> _firstHealthy = new();
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly ResourceLoggerService _loggers;
    private readonly Task _watcher;

    /// <summary>
    /// Where every log line of every resource is also written, one file per instance, when the environment variable
    /// <see cref="LogFolderVariable"/> names a folder: the whole story of a run, not only the last lines a failure prints.
    /// </summary>
    private readonly string? _logFolder = Environment.GetEnvironmentVariable(LogFolderVariable) is { Length: > 0 } folder ? folder : null;

    /// <summary>The environment variable that names a folder for the resources' whole logs (see <see cref="Describe"/>).</summary>
    public const string LogFolderVariable = "HASYSTEM_TEST_LOGS";

    public ResourceTracker(DistributedApplication app)
    {
        _loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        _watcher = Task.Run(() => WatchAsync(app.ResourceNotifications, _stop.Token));
    }

    /// <summary>The latest snapshot of each resource instance, by resource id (replicas have one id each).</summary>
    public IReadOnlyDictionary<string, ResourceEvent> Latest => _latest;

    /// <summary>
    /// How long after the tracker started (just before the AppHost) each resource was first Running and Healthy, by its
    /// slowest instance: where a system's start-up time goes.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> FirstHealthy =>
        _firstHealthy.Values.GroupBy(v => v.Resource).ToDictionary(g => g.Key, g => g.Max(v => v.At));

    /// <summary>Every resource's state, health and last log lines, for a failure message.</summary>
    public string Describe(int logLines = 15)
    {
        var text = new StringBuilder("Resource states:\n");
        foreach (var (id, e) in _latest.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var s = e.Snapshot;
            var properties = string.Join(", ", s.Properties.Where(p => p.Name.StartsWith("redis.", StringComparison.Ordinal)).Select(p => $"{p.Name}={p.Value}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {id}: state={s.State?.Text ?? "?"} health={s.HealthStatus?.ToString() ?? "-"} exit={s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"} {properties}");
        }

        foreach (var (id, lines) in _logs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"--- last log lines of {id} ---");
            foreach (var line in lines.TakeLast(logLines))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
            }
        }

        return text.ToString();
    }

    /// <summary>The log lines kept of the instances of <paramref name="resource"/> (e.g. <c>webfrontend</c>) that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LogLinesOf(string resource, string text) =>
        _logs.Where(p => p.Key.StartsWith($"{resource}-", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Where(line => line.Contains(text, StringComparison.Ordinal)).Select(line => $"{p.Key}: {line}"))
            .ToArray();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watcher.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task WatchAsync(ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(cancellationToken))
            {
                _latest[e.ResourceId] = e;
                if (e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy)
                {
                    _firstHealthy.TryAdd(e.ResourceId, (e.Resource.Name, _sinceStart.Elapsed));
                }

                _ = _logWatchers.GetOrAdd(e.ResourceId, id => Task.Run(() => WatchLogsAsync(id, cancellationToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WatchLogsAsync(string resourceId, CancellationToken cancellationToken)
    {
        var lines = _logs.GetOrAdd(resourceId, _ => new ConcurrentQueue<string>());
        StreamWriter? file = null;
        if (_logFolder is not null)
        {
            Directory.CreateDirectory(_logFolder);
            file = new StreamWriter(Path.Combine(_logFolder, $"{resourceId}.log"), append: true) { AutoFlush = true };
        }

        await using var logFile = file;
        try
        {
            await foreach (var batch in _loggers.WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    lines.Enqueue(line.Content);
                    if (file is not null)
                    {
                        await file.WriteLineAsync(line.Content);
                    }

                    while (lines.Count > LogLinesKept && lines.TryDequeue(out _))
                    {
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
