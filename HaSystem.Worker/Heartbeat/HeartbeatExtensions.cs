namespace HaSystem.Worker.Heartbeat;

public static class HeartbeatExtensions
{
    /// <summary>Writes this replica's heartbeat to the <c>state</c> role; see <see cref="HeartbeatWriter"/>.</summary>
    public static IHostApplicationBuilder AddWorkerHeartbeat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HeartbeatOptions>(HeartbeatOptions.SectionName);
        builder.Services.AddHostedService<HeartbeatWriter>();
        return builder;
    }
}
