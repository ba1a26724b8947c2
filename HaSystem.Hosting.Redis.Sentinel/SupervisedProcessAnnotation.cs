using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Marks a process resource that the AppHost starts again when it dies unasked (<see cref="ProcessSupervisor"/>):
/// Redis nodes and Sentinels, PostgreSQL servers, Patroni agents and etcd members alike. Add it with
/// <see cref="ProcessSupervisionExtensions.WithSupervision"/>.
/// </summary>
/// <param name="restartsProperty">The dashboard property that counts the starts again (e.g. <c>redis.restarts</c>).</param>
public sealed class SupervisedProcessAnnotation(string restartsProperty) : IResourceAnnotation
{
    /// <summary>The dashboard property that counts the starts again.</summary>
    public string RestartsProperty { get; } = restartsProperty;

    /// <summary>
    /// Runs after the back-off pause and before the start (e.g. a dead Redis primary waits for its replica's promotion,
    /// so that it comes back as a replica). Its failure is logged and the start goes ahead.
    /// </summary>
    public Func<IResource, IServiceProvider, ILogger, CancellationToken, Task>? BeforeRestart { get; init; }

    /// <summary>
    /// Text of a log line by which the process says it started its own server again (a keeper that restarts PostgreSQL
    /// in place): each such line counts as a start again too.
    /// </summary>
    public string? RestartLogMarker { get; init; }
}
