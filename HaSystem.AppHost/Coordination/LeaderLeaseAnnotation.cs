namespace Aspire.Hosting.ApplicationModel;

/// <summary>Marks a service whose replicas elect a leader through a lease in a Redis group, so the dashboard can show who leads.</summary>
public sealed record LeaderLeaseAnnotation(RedisMonitoredGroupResource Group, string LeaseKey) : IResourceAnnotation;
