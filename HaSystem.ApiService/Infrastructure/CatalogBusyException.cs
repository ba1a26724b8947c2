namespace HaSystem.ApiService.Infrastructure;

/// <summary>A write did not get its turn at the catalog database within <see cref="CatalogDatabaseOptions.WriteWait"/>: answered 503.</summary>
public sealed class CatalogBusyException(TimeSpan waited, Exception? inner = null)
    : Exception($"The catalog database took no write for {waited.TotalMilliseconds:0} ms: every replica's writes queue behind one that does not finish.", inner);
