namespace HaSystem.ApiService.Chaos;

/// <summary>
/// In-process fault injection for the primary data source (Polly's chaos fault strategy reads this switch). It
/// exists so that "the database fails while Redis is up" can be shown and tested on real processes; its endpoint is
/// mapped only when <c>Chaos:Enabled</c> is true (the AppHost turns it on in Development).
/// </summary>
public sealed class DatabaseChaos
{
    private volatile bool _failing;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }
}

/// <summary>What a failing primary data source throws.</summary>
public sealed class DatabaseUnavailableException() : Exception("The catalog database is unavailable (injected fault).");
