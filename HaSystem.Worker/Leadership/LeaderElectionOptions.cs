using System.ComponentModel.DataAnnotations;
using HaSystem.Coordination.Redis;

namespace HaSystem.Worker.Leadership;

/// <summary>
/// Bound from <c>Worker:Leader</c>. A killed leader is replaced within <see cref="LeaseDuration"/> and a round trip
/// (its lease has to expire; a follower that saw it running out asks again at that moment), and always within one
/// <see cref="RenewInterval"/> more; a leader that stops normally releases the lease and is replaced within one
/// <see cref="RenewInterval"/>.
/// </summary>
public sealed class LeaderElectionOptions : IValidatableObject
{
    public const string SectionName = "Worker:Leader";

    [Required]
    public string LeaseKey { get; set; } = RedisKeyspace.WorkerLease;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the leader renews, and how often a follower tries to take over.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RenewInterval * 2 >= LeaseDuration)
        {
            yield return new ValidationResult("RenewInterval must be less than half of LeaseDuration, so one failed renewal does not lose the lease.",
                [nameof(RenewInterval), nameof(LeaseDuration)]);
        }
    }
}
