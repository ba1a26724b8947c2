using System.Globalization;
using StackExchange.Redis;

namespace HaSystem.Coordination.Locking;

/// <summary>Who holds a lock now: the holder's description, its fencing token, since when, and how long the lease has left.</summary>
/// <param name="Key">The lock's key.</param>
/// <param name="Holder">The holder's description, e.g. the replica id of a worker.</param>
/// <param name="FencingToken">The token the holder was given with the lock.</param>
/// <param name="Since">When the holder took the lock, by the primary's clock.</param>
/// <param name="ExpiresIn">How long the lease has left unless it is renewed.</param>
public sealed record LockHolder(string Key, string Holder, long FencingToken, DateTimeOffset Since, TimeSpan ExpiresIn)
{
    /// <summary>Reads the holder hash (<see cref="LockKeys.Holder"/>); <see langword="null"/> when it is missing or incomplete.</summary>
    public static LockHolder? FromHash(string key, IEnumerable<HashEntry> hash, TimeSpan expiresIn)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var values = hash.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());
        if (!values.TryGetValue(Fields.Holder, out var holder)
            || !long.TryParse(values.GetValueOrDefault(Fields.Token), CultureInfo.InvariantCulture, out var token)
            || !long.TryParse(values.GetValueOrDefault(Fields.Since), CultureInfo.InvariantCulture, out var since))
        {
            return null;
        }

        return new LockHolder(key, holder, token, DateTimeOffset.FromUnixTimeMilliseconds(since), expiresIn);
    }

    /// <summary>The fields of the holder hash, as the lock scripts write them.</summary>
    public static class Fields
    {
        /// <summary>The holder's description.</summary>
        public const string Holder = "holder";

        /// <summary>The fencing token, in decimal.</summary>
        public const string Token = "token";

        /// <summary>Since when, in Unix milliseconds of the primary's clock.</summary>
        public const string Since = "since";
    }
}
