using HaSystem.ApiService.Chaos;
using Polly;
using Polly.Simmy;

namespace HaSystem.ApiService.Catalog;

public static class CatalogExtensions
{
    /// <summary>The catalog store and its database pipeline, with the chaos fault that <see cref="DatabaseChaos"/> switches.</summary>
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseChaos>();
        builder.Services.AddScoped<CatalogStore>();
        builder.Services.AddResiliencePipeline(CatalogStore.PipelineName, (pipeline, context) =>
        {
            var chaos = context.ServiceProvider.GetRequiredService<DatabaseChaos>();
            pipeline.AddChaosFault(new Polly.Simmy.Fault.ChaosFaultStrategyOptions
            {
                InjectionRate = 1,
                EnabledGenerator = _ => ValueTask.FromResult(chaos.Failing),
                FaultGenerator = _ => ValueTask.FromResult<Exception?>(new DatabaseUnavailableException()),
            });
        });
        return builder;
    }
}
