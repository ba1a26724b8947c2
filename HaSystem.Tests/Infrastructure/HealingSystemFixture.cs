namespace HaSystem.Tests.Infrastructure;

/// <summary>The system the <see cref="HealingSystem"/> tests share, with the AppHost's default settings.</summary>
public sealed class HealingSystemFixture : SystemFixture;
