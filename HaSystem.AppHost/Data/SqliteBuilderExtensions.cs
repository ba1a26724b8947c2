using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>The embedded primary data source: one SQLite file in the run folder, shared by the replicas of this machine.</summary>
public static class SqliteBuilderExtensions
{
    /// <summary>
    /// Adds the connection string <paramref name="name"/> pointing at <c>{run folder}/{name}/{name}.db</c>. The service
    /// that owns the database creates and migrates it; a busy database is waited for up to 15 s, not failed at once.
    /// </summary>
    public static IResourceBuilder<ConnectionStringResource> AddSqliteDatabase(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var path = Path.Combine(RunDirectory.For(builder).For(name), $"{name}.db");
        return builder.AddConnectionString(name, ReferenceExpression.Create($"Data Source={path};Default Timeout=15"));
    }
}
