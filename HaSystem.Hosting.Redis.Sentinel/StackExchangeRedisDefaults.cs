namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// What StackExchange.Redis itself uses on every connection, which every user of a node must be allowed: the key it
/// reads to break ties between primaries, and the channel on which clients announce topology changes to one another.
/// </summary>
internal static class StackExchangeRedisDefaults
{
    /// <summary>The default tie-breaker key, read on connect.</summary>
    public const string TieBreaker = "__Booksleeve_TieBreak";

    /// <summary>The default configuration-change channel.</summary>
    public const string ConfigurationChannel = "__Booksleeve_MasterChanged";
}
