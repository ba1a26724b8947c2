using OpenTelemetry.Metrics;

namespace HaSystem.Worker.Leadership;

public static class LeadershipExtensions
{
    /// <summary>Leader election on the <c>leader:worker</c> lease (needs <c>AddDistributedLocks</c>); jobs are added with <see cref="AddLeaderJob{TJob}"/>.</summary>
    public static IHostApplicationBuilder AddLeaderElection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LeaderElectionOptions>(LeaderElectionOptions.SectionName);
        builder.Services.AddSingleton<LeadershipTelemetry>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(LeadershipTelemetry.Name));
        builder.Services.AddHostedService<LeaderElection>();
        return builder;
    }

    /// <summary>A job that runs only on the leader, only while it leads.</summary>
    public static IHostApplicationBuilder AddLeaderJob<TJob>(this IHostApplicationBuilder builder) where TJob : class, ILeaderJob
    {
        builder.Services.AddSingleton<ILeaderJob, TJob>();
        return builder;
    }
}
