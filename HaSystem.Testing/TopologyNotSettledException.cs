namespace HaSystem.Testing;

/// <summary>
/// A Redis group does not have exactly one primary as the role monitor sees it: a failover is under way, or a killed
/// primary is back and still a primary until the Sentinels turn it into a replica. A poll tries again after it
/// (<see cref="Poll.IsNotReadyYet"/>); anywhere else it says which roles the nodes had.
/// </summary>
public sealed class TopologyNotSettledException(string message) : Exception(message);
