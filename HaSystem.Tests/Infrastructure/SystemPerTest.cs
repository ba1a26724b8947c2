namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// For tests that break the system in a way it does not heal from (a service stopped for good, settings of their own):
/// each test gets a system of its own, started with <paramref name="arguments"/> before it and stopped after it.
/// </summary>
public abstract class SystemPerTest(params string[] arguments) : IAsyncLifetime
{
    private readonly OwnSystem _own = new(arguments);

    /// <summary>The test's own system.</summary>
    protected HaSystemApp System => _own.System;

    /// <summary>A client of its API.</summary>
    protected ApiClient Api => _own.Api;

    /// <inheritdoc />
    public virtual Task InitializeAsync() => _own.InitializeAsync();

    /// <inheritdoc />
    public virtual Task DisposeAsync() => _own.DisposeAsync();

    private sealed class OwnSystem(string[] arguments) : SystemFixture(arguments);
}
