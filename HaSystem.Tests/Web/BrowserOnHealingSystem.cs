using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Web;

/// <summary>A browser test on the <see cref="HealingSystem"/>: it waits until the last test's faults have healed.</summary>
[Collection(HealingSystem.Name)]
public abstract class BrowserOnHealingSystem(HealingSystemFixture fixture, ITestOutputHelper output) : BrowserTest(output)
{
    /// <inheritdoc />
    protected override HaSystemApp System => fixture.System;

    /// <inheritdoc />
    protected override ApiClient Api => fixture.Api;

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await fixture.WaitUntilHealedAsync();
        await base.InitializeAsync();
    }
}
