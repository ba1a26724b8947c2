namespace HaSystem.ApiService.Retention;

public static class RetentionExtensions
{
    /// <summary>Fences and sales reports are removed once past <see cref="RetentionOptions"/>, so the database does not grow for ever.</summary>
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RetentionOptions>(RetentionOptions.SectionName);
        builder.Services.AddScoped<RetentionPruner>();
        builder.Services.AddHostedService<RetentionService>();
        return builder;
    }
}
