namespace HaSystem.Testing.Load;

/// <summary>
/// A kind of request sent at a fixed rate: <see cref="SendAsync"/> is given the request's sequence number and answers
/// with its final outcome (after whatever retries the client makes, as a real client would).
/// </summary>
public sealed record Workload(string Name, double RatePerSecond, Func<long, CancellationToken, Task<Outcome>> SendAsync);
