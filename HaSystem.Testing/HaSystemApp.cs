using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Aspire.Hosting;
using HaSystem.Coordination.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HaSystem.Testing;

/// <summary>
/// The whole system started through Aspire.Hosting.Testing, with a deadline on every start and wait, and helpers to
/// reach replicas, Redis nodes and Sentinels directly. Every wait that times out prints the resource states and logs.
/// </summary>
public sealed class HaSystemApp : IAsyncDisposable
{
    /// <summary>From test start to every resource healthy; measured 20–40 s on a 2-core machine, so generous.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private HaSystemApp(DistributedApplication app, ResourceTracker tracker, TimeSpan startup)
    {
        App = app;
        Tracker = tracker;
        StartupTime = startup;
    }

    public DistributedApplication App { get; }

    public ResourceTracker Tracker { get; }

    /// <summary>How long the start took, until every resource was healthy.</summary>
    public TimeSpan StartupTime { get; }

    public DistributedApplicationModel Model => App.Services.GetRequiredService<DistributedApplicationModel>();

    /// <param name="args">
    /// AppHost configuration. Unless it says otherwise, diagnostics are open (<c>Diagnostics:Anonymous=true</c>), as
    /// under <c>dotnet run</c> in Development: the testing builder's AppHost does not run in Development.
    /// </param>
    public static async Task<HaSystemApp> StartAsync(params string[] args)
    {
        if (!args.Any(a => a.StartsWith("Diagnostics:Anonymous=", StringComparison.Ordinal)))
        {
            args = ["Diagnostics:Anonymous=true", .. args];
        }

        var stopwatch = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HaSystem_AppHost>(
            args,
            (options, _) => options.DisableDashboard = true,
            cts.Token);

        // No dashboard, so no collector. Left as it is, every service would export each span, metric and log to an
        // OTLP port nobody listens on, retrying in memory: CPU spent on nothing, on the 2 cores the system under test
        // runs on. Without an endpoint ServiceDefaults adds no exporter; the instrumentation itself stays on.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                foreach (var name in context.EnvironmentVariables.Keys.Where(k => k.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)).ToArray())
                {
                    context.EnvironmentVariables.Remove(name);
                }
            }));
        }

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            StartFromBuildOutput(project);
        }

        // Resource logs are kept by the tracker and printed on failure; on the console they would drown the results.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("HaSystem.AppHost.Resources", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            .AddFilter("Aspire.Hosting.DistributedApplication", LogLevel.Warning));
        var app = await builder.BuildAsync(cts.Token).WaitAsync(cts.Token);
        var tracker = new ResourceTracker(app);
        var started = new HaSystemApp(app, tracker, TimeSpan.Zero);
        try
        {
            await app.StartAsync(cts.Token).WaitAsync(cts.Token);
            await started.WaitForAllHealthyAsync(StartTimeout - stopwatch.Elapsed);
        }
        catch (Exception ex)
        {
            var description = tracker.Describe();
            await started.DisposeAsync();
            throw new TimeoutException($"The system did not start within {StartTimeout.TotalSeconds:0} s ({ex.GetType().Name}: {ex.Message}).\n{description}", ex);
        }

        return new HaSystemApp(app, tracker, stopwatch.Elapsed);
    }

    /// <summary>
    /// Starts the service from its build output instead of through <c>dotnet run --no-build</c>, Aspire's default: that
    /// wrapper evaluates the project file and stays as the service's parent, about 1.7 s of CPU for each of the seven
    /// replicas at every start and restart, on the 2 cores the system under test runs on. The services were built with
    /// the AppHost, in its configuration; without their output the default stays.
    /// </summary>
    private static void StartFromBuildOutput(ProjectResource project)
    {
        var projectPath = project.GetProjectMetadata().ProjectPath;
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        // Built with this library, through the project references, in the same configuration.
        var configuration = typeof(HaSystemApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var executable = Path.Combine(projectDirectory, "bin", configuration, framework, Path.GetFileNameWithoutExtension(projectPath));
        if (File.Exists(executable))
        {
            project.Annotations.Add(new ExecutableAnnotation { Command = executable, WorkingDirectory = projectDirectory });
        }
    }

    /// <summary>Waits until every instance of every resource (each replica, node, Sentinel, group, database server) is Running and Healthy.</summary>
    public Task WaitForAllHealthyAsync(TimeSpan timeout) =>
        Poll.UntilAsync("every resource Running and Healthy", timeout, _ =>
        {
            var resources = Model.Resources
                .Where(r => r is ProjectResource or RedisNodeResource or RedisSentinelResource or RedisMonitoredGroupResource or LocalPostgresServerResource);
            return Task.FromResult(resources.All(r =>
            {
                var instances = InstancesOf(r);
                return instances.Count == ExpectedInstances(r) && instances.All(IsRunningAndHealthy);
            }));
        }, () => Tracker.Describe(), TimeSpan.FromMilliseconds(500));

    /// <summary>
    /// Waits until every replica answers by itself: each API and web replica at its own address, each worker replica
    /// with a heartbeat written since it started. Aspire checks a replicated service's health through the service's
    /// shared port, and keeps a replica's last report across its restart, so a replica still starting looks Healthy
    /// while another one answers for it.
    /// </summary>
    public async Task WaitForEveryReplicaAnsweringAsync(TimeSpan timeout)
    {
        await DiscoverApiReplicasAsync(timeout);
        await DiscoverWebReplicasAsync(timeout);
        foreach (var worker in InstancesOf(Resource<ProjectResource>("worker")))
        {
            await WaitForWorkerStartedAsync(worker, timeout);
        }
    }

    /// <summary>
    /// Waits until a worker replica (by resource id) runs and has written its heartbeat (<c>heartbeat:worker:{id}</c>)
    /// since it last started: its host is up and it reaches the <c>state</c> role, so it takes part in the election.
    /// </summary>
    public Task WaitForWorkerStartedAsync(string resourceId, TimeSpan timeout) =>
        Poll.UntilAsync($"{resourceId} running and writing its heartbeat since it started", timeout, async _ =>
        {
            if (!Tracker.Latest.TryGetValue(resourceId, out var e) || e.Snapshot.State?.Text != KnownResourceStates.Running || e.Snapshot.StartTimeStamp is not { } started)
            {
                return false;
            }

            await using var connection = await ConnectDirectAsync(PrimaryOf("state"));
            var beat = await connection.GetDatabase().StringGetAsync($"{RedisKeyspace.WorkerHeartbeats}{resourceId}");
            return beat.TryParse(out long writtenAt) && DateTimeOffset.FromUnixTimeMilliseconds(writtenAt) >= new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc));
        }, () => Tracker.Describe(), TimeSpan.FromMilliseconds(200));

    /// <summary>
    /// Starts every replica, node and Sentinel that is stopped (exited, finished, failed to start): what a test that
    /// failed half-way may leave behind on a system it shares with the next test.
    /// </summary>
    public async Task StartStoppedInstancesAsync()
    {
        var stopped = Tracker.Latest.Values
            .Where(e => e.Resource is ProjectResource or RedisNodeResource or RedisSentinelResource && KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text))
            .Select(e => e.ResourceId)
            .ToArray();
        foreach (var id in stopped)
        {
            await ExecuteOnInstanceAsync(id, KnownResourceCommands.StartCommand);
        }
    }

    /// <summary>The resource ids of the resource's instances (one per replica).</summary>
    public IReadOnlyList<string> InstancesOf(IResource resource) =>
        Tracker.Latest.Values.Where(e => ReferenceEquals(e.Resource, resource)).Select(e => e.ResourceId).ToArray();

    public static int ExpectedInstances(IResource resource) =>
        resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    public bool IsRunningAndHealthy(string resourceId) =>
        Tracker.Latest.TryGetValue(resourceId, out var e)
        && e.Snapshot.State?.Text == KnownResourceStates.Running
        && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;

    public T Resource<T>(string name) where T : IResource => Model.Resources.OfType<T>().Single(r => r.Name == name);

    /// <summary>The nodes of a Redis group, in their fixed order (<c>{group}-0</c>, …); which is primary changes.</summary>
    public IReadOnlyList<RedisNodeResource> NodesOf(string group) => Resource<RedisMonitoredGroupResource>(group).Nodes;

    /// <summary>
    /// The node of a Redis group (<c>cache</c>, <c>state</c>) the role monitor last saw as its only primary. Throws
    /// <see cref="TopologyNotSettledException"/> while it sees none or two (a failover under way, a killed primary back
    /// before the Sentinels demote it), which a poll waits out.
    /// </summary>
    public RedisNodeResource PrimaryOf(string group)
    {
        var nodes = NodesOf(group);
        var primaries = nodes.Where(n => PropertyOf(n, RedisResourceProperties.Role) == "primary").ToArray();
        return primaries.Length == 1
            ? primaries[0]
            : throw new TopologyNotSettledException(
                $"The {group} group has {primaries.Length} primaries: " +
                string.Join(", ", nodes.Select(n => $"{n.Name} {PropertyOf(n, RedisResourceProperties.Role) ?? "unknown"}")) + ".");
    }

    /// <summary>
    /// Waits until every Redis group has settled after a fault: one primary, the one the group names, and every other
    /// node a replica whose link to it is up. Healthy resources are not enough: a killed primary comes back Healthy
    /// and still a primary for a moment, until the Sentinels demote it.
    /// </summary>
    public Task WaitForSettledTopologyAsync(TimeSpan timeout) =>
        Poll.UntilAsync("every Redis group with one primary and its other nodes linked replicas", timeout, async _ =>
        {
            foreach (var group in Model.Resources.OfType<RedisMonitoredGroupResource>())
            {
                var primary = PrimaryOf(group.Name);
                if (PropertyOf(group, RedisResourceProperties.CurrentPrimary) != primary.Name)
                {
                    return false;
                }

                var primaryPort = await PortOfAsync(primary);
                foreach (var replica in group.Nodes.Where(n => n != primary))
                {
                    if (!await IsLinkedReplicaAsync(replica, primaryPort))
                    {
                        return false;
                    }
                }
            }

            return true;
        }, () => Tracker.Describe(), TimeSpan.FromMilliseconds(200));

    /// <summary>The process id of a single-instance executable, as DCP reports it.</summary>
    public int ProcessIdOf(IResource resource)
    {
        var id = InstancesOf(resource).Single();
        var pid = Tracker.Latest[id].Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        return Convert.ToInt32(pid, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Stops every replica of a project the way an orchestrator should: SIGTERM to the service process itself. Under a
    /// <c>dotnet run</c> wrapper (Aspire's default), DCP's own stop signals the wrapper with SIGINT, which the wrapper
    /// does not pass on without a terminal, so it waits ~10 s and then kills; the wrapper exits as soon as its child does.
    /// </summary>
    public async Task TerminateServiceAsync(ProjectResource service)
    {
        foreach (var id in InstancesOf(service))
        {
            Signals.Terminate(ServiceProcessOf(id));
        }

        await WaitForStoppedAsync(service);
    }

    /// <summary>
    /// The process of one replica (resource id, e.g. <c>worker-abcd1234</c>): the service itself. That is the process
    /// DCP started when the service runs from its build output (see <see cref="StartFromBuildOutput"/>), and its one
    /// child when DCP started it under a <c>dotnet run</c> wrapper.
    /// </summary>
    public int ServiceProcessOf(string resourceId)
    {
        var started = Convert.ToInt32(Tracker.Latest[resourceId].Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
        return ProcessTree.ChildrenOf(started) is [var service] ? service : started;
    }

    /// <summary>Waits until one replica (by resource id) has stopped (any terminal state).</summary>
    public Task WaitForInstanceStoppedAsync(string resourceId, TimeSpan? timeout = null) =>
        Poll.UntilAsync($"{resourceId} stopped", timeout ?? TimeSpan.FromSeconds(60),
            _ => Task.FromResult(Tracker.Latest.TryGetValue(resourceId, out var e) && KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text)),
            () => Tracker.Describe(0));

    /// <summary>Runs a resource command on one replica (by resource id), with a deadline.</summary>
    public Task ExecuteOnInstanceAsync(string resourceId, string command, TimeSpan? timeout = null) =>
        ExecuteCommandAsync(resourceId, command, timeout, (commands, ct) => commands.ExecuteCommandAsync(resourceId, command, ct));

    /// <summary>A property of one replica (by resource id), as the dashboard shows it.</summary>
    public string? PropertyOfInstance(string resourceId, string property) =>
        Tracker.Latest.TryGetValue(resourceId, out var e) ? e.Snapshot.Properties.FirstOrDefault(p => p.Name == property)?.Value?.ToString() : null;

    /// <summary>How often the AppHost has started a Redis node or Sentinel again after its process died (<c>redis.restarts</c>).</summary>
    public int RestartsOf(IResource resource) =>
        int.TryParse(PropertyOf(resource, RedisResourceProperties.Restarts), System.Globalization.CultureInfo.InvariantCulture, out var restarts) ? restarts : 0;

    public string? PropertyOf(IResource resource, string property)
    {
        var id = InstancesOf(resource).Single();
        return Tracker.Latest.TryGetValue(id, out var e) ? e.Snapshot.Properties.FirstOrDefault(p => p.Name == property)?.Value?.ToString() : null;
    }

    /// <summary>Runs a resource command (start, stop, restart) on every instance of the resource, with a deadline.</summary>
    public Task ExecuteAsync(IResource resource, string command, TimeSpan? timeout = null) =>
        ExecuteCommandAsync(resource.Name, command, timeout, (commands, ct) => commands.ExecuteCommandAsync(resource, command, ct));

    private async Task ExecuteCommandAsync(string target, string command, TimeSpan? timeout, Func<ResourceCommandService, CancellationToken, Task<ExecuteCommandResult>> execute)
    {
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        var result = await execute(commands, cts.Token).WaitAsync(cts.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"'{command}' on {target} failed: {result.Message}\n{Tracker.Describe()}");
        }
    }

    /// <summary>Waits until the resource's instances reach the given state.</summary>
    public Task WaitForStateAsync(IResource resource, string state, TimeSpan timeout) =>
        Poll.UntilAsync($"{resource.Name} {state}", timeout, _ => Task.FromResult(
            InstancesOf(resource).All(id => Tracker.Latest.TryGetValue(id, out var e) && e.Snapshot.State?.Text == state)),
            () => Tracker.Describe());

    /// <summary>Waits until every instance of the resource has stopped (any terminal state).</summary>
    public Task WaitForStoppedAsync(IResource resource, TimeSpan? timeout = null) =>
        Poll.UntilAsync($"{resource.Name} stopped", timeout ?? TimeSpan.FromSeconds(60),
            _ => Task.FromResult(InstancesOf(resource).All(id =>
                Tracker.Latest.TryGetValue(id, out var e) && KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text))),
            () => Tracker.Describe(0));

    /// <summary>A client for the shared (proxied) endpoint of a service; every request opens a new connection so requests spread over the replicas.</summary>
    /// <param name="endpoint"><c>http</c>, or <c>https</c> (the web front end), whose development certificate the client accepts.</param>
    public HttpClient CreateSpreadingClient(string service, TimeSpan? timeout = null, string endpoint = "http")
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero };
        if (endpoint == "https")
        {
            // The ASP.NET Core development certificate is self-signed: a test trusts it, and only it, as a developer's browser does.
            handler.SslOptions.RemoteCertificateValidationCallback = DevelopmentCertificate.Validate;
        }

        var client = new HttpClient(handler) { BaseAddress = OnLoopback(App.GetEndpoint(service, endpoint)), Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        client.DefaultRequestHeaders.ConnectionClose = true;
        return client;
    }

    /// <summary>
    /// The direct address of every API replica. DCP's proxy spreads new connections at random, and each replica reports
    /// its own address in <c>/api/info</c>; asking until every replica has answered finds them all.
    /// </summary>
    /// <param name="bearerToken">The operator's token, where diagnostics are not anonymous (outside Development).</param>
    public Task<IReadOnlyDictionary<string, Uri>> DiscoverApiReplicasAsync(TimeSpan timeout, string? bearerToken = null) =>
        DiscoverReplicasAsync("apiservice", "/api/info", timeout, bearerToken);

    /// <summary>The direct address of every web replica, from each one's <c>/replica</c>, the same way.</summary>
    public Task<IReadOnlyDictionary<string, Uri>> DiscoverWebReplicasAsync(TimeSpan timeout) => DiscoverReplicasAsync("webfrontend", "/replica", timeout);

    /// <summary>The shared (proxied) address of a service, with 127.0.0.1 as the host, as the replicas' own addresses get.</summary>
    public Uri SharedEndpoint(string service, string endpoint = "http") => OnLoopback(App.GetEndpoint(service, endpoint));

    private async Task<IReadOnlyDictionary<string, Uri>> DiscoverReplicasAsync(string service, string path, TimeSpan timeout, string? bearerToken = null)
    {
        var expected = ExpectedInstances(Resource<ProjectResource>(service));
        var found = new Dictionary<string, Uri>();
        using var client = CreateSpreadingClient(service);
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearerToken);
        }

        await Poll.UntilAsync($"{expected} distinct {service} replicas answering {path}", timeout, async ct =>
        {
            var info = await client.GetFromJsonAsync<JsonElement>(path, ct);
            var replica = info.GetProperty("replica").GetString()!;
            var address = info.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!).First(a => a.StartsWith("http://", StringComparison.Ordinal));
            found[replica] = OnLoopback(new Uri(address));
            return found.Count >= expected;
        }, () => $"Found so far: {string.Join(", ", found.Keys)}\n{Tracker.Describe()}", TimeSpan.FromMilliseconds(50));
        return found;
    }

    // One host name for every address: browsers keep cookies per host (not per port), so a cookie set through one
    // replica's address is sent to the other's, as it would be behind one load-balanced name.
    private static Uri OnLoopback(Uri address) => new UriBuilder(address) { Host = "127.0.0.1" }.Uri;

    /// <summary>A fail-fast admin connection to one node or Sentinel (Sentinels get the Sentinel command map).</summary>
    public async Task<ConnectionMultiplexer> ConnectDirectAsync(IResourceWithConnectionString resource)
    {
        var options = ConfigurationOptions.Parse(await App.GetConnectionStringAsync(resource.Name) ?? throw new InvalidOperationException($"{resource.Name} has no connection string."));
        options.AllowAdmin = true;
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = options.AsyncTimeout = 2000;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (resource is RedisSentinelResource)
        {
            options.CommandMap = CommandMap.Sentinel;
            options.TieBreaker = string.Empty;
        }

        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>
    /// Runs SQL straight against a database of the system (SQLite or PostgreSQL, by its connection string), bypassing
    /// the API and its cache. Quote identifiers (<c>"Orders"</c>): PostgreSQL folds unquoted ones to lower case.
    /// </summary>
    public async Task ExecuteSqlAsync(string database, string sql)
    {
        await using var connection = await OpenDatabaseAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The single number a query such as <c>SELECT COUNT(*) …</c> answers, read straight from a database of the system.</summary>
    public async Task<long> CountSqlAsync(string database, string sql) => (await QuerySqlAsync(database, sql, r => Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture))).Single();

    /// <summary>Runs a query straight against a database of the system and reads every row with <paramref name="read"/>.</summary>
    public async Task<List<T>> QuerySqlAsync<T>(string database, string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        await using var connection = await OpenDatabaseAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private async Task<System.Data.Common.DbConnection> OpenDatabaseAsync(string database)
    {
        var connectionString = await App.GetConnectionStringAsync(database) ?? throw new InvalidOperationException($"The system has no database '{database}'.");
        System.Data.Common.DbConnection connection = connectionString.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase)
            ? new Microsoft.Data.Sqlite.SqliteConnection(connectionString)
            : new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the primary a majority of the Sentinels names for <paramref name="group"/>; <see langword="null"/> without a majority.</summary>
    public async Task<int?> SentinelsPrimaryPortAsync(string group)
    {
        var ports = new List<int>();
        var sentinels = Model.Resources.OfType<RedisSentinelResource>().ToArray();
        foreach (var sentinel in sentinels)
        {
            try
            {
                await using var connection = await ConnectDirectAsync(sentinel);
                if (await connection.GetServer(connection.GetEndPoints()[0]).SentinelGetMasterAddressByNameAsync(group) is System.Net.IPEndPoint primary)
                {
                    ports.Add(primary.Port);
                }
            }
            catch (RedisException)
            {
                // A Sentinel that does not answer has no say.
            }
        }

        return ports.GroupBy(p => p).Where(g => g.Count() > sentinels.Length / 2).Select(g => (int?)g.Key).FirstOrDefault();
    }

    /// <summary>
    /// Whether <paramref name="node"/> answers now as a replica whose link to its primary is up; with
    /// <paramref name="primaryPort"/>, to the primary on that port (not, say, to a demoted one it still follows).
    /// </summary>
    public async Task<bool> IsLinkedReplicaAsync(RedisNodeResource node, int? primaryPort = null)
    {
        try
        {
            // A fresh connection each time: one created before the process listens would wait out its reconnect back-off.
            await using var connection = await ConnectDirectAsync(node);
            var info = (await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("replication")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            return info.GetValueOrDefault("role") == "slave" && info.GetValueOrDefault("master_link_status") == "up"
                && (primaryPort is null || info.GetValueOrDefault("master_port") == primaryPort.Value.ToString(CultureInfo.InvariantCulture));
        }
        catch (RedisException)
        {
            return false;
        }
    }

    /// <summary>The TCP port a node or Sentinel listens on.</summary>
    public async Task<int> PortOfAsync(IResourceWithConnectionString resource)
    {
        var options = ConfigurationOptions.Parse(await App.GetConnectionStringAsync(resource.Name) ?? "");
        return options.EndPoints[0] switch
        {
            System.Net.IPEndPoint ip => ip.Port,
            System.Net.DnsEndPoint dns => dns.Port,
            var other => throw new InvalidOperationException($"Unexpected endpoint {other}."),
        };
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await App.StopAsync(cts.Token).WaitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // DisposeAsync below still tears DCP and every process down.
        }

        await Tracker.DisposeAsync();
        await App.DisposeAsync();
    }
}
