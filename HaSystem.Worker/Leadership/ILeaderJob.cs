using HaSystem.Coordination.Locking;

namespace HaSystem.Worker.Leadership;

/// <summary>
/// Work only the leader does. <see cref="RunAsync"/> runs while this replica leads and must return (or throw
/// <see cref="OperationCanceledException"/>) as soon as <paramref name="cancellationToken"/> fires: the lease is lost
/// or the worker stops. Protected writes carry <see cref="LockLease.FencingToken"/>.
/// </summary>
public interface ILeaderJob
{
    string Name { get; }

    Task RunAsync(LockLease lease, CancellationToken cancellationToken);
}
