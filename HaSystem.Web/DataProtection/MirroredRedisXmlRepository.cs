using System.Xml.Linq;
using HaSystem.Coordination.Resilience;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Polly;
using StackExchange.Redis;

namespace HaSystem.Web.DataProtection;

/// <summary>
/// The key ring in Redis (the one every replica shares), behind the <c>state</c> breaker, with a copy on this machine's
/// disk that is read only while Redis cannot be reached. Without it, a replica that starts during a <c>state</c>
/// outage has no key at all: every page with a form fails and each attempt to read the ring waits out Redis timeouts
/// (measured: 173 s to start listening). With it, the replica starts at once with the keys last seen here.
/// </summary>
/// <remarks>New keys are only ever created in Redis: a key made while Redis is away would be one the other replicas cannot know.</remarks>
public sealed partial class MirroredRedisXmlRepository(
    IConnectionMultiplexer redis, RedisKey key, ResiliencePipeline pipeline, string mirrorFile, ILogger logger) : IXmlRepository
{
    private readonly RedisXmlRepository _redis = new(() => redis.GetDatabase(), key);
    private readonly Lock _mirrorGate = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        try
        {
            var elements = pipeline.Execute(() => Connected()._redis.GetAllElements());
            Mirror(elements);
            return elements;
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            var mirrored = ReadMirror();
            if (mirrored.Count == 0)
            {
                throw;
            }

            LogReadFromMirror(logger, ex.GetType(), mirrored.Count, mirrorFile);
            return mirrored;
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        pipeline.Execute(() => Connected()._redis.StoreElement(element, friendlyName));
        Mirror([.. ReadMirror(), element]);
    }

    // A disconnected client would queue the command until its timeout; with no connection there is nothing to wait for.
    private MirroredRedisXmlRepository Connected() =>
        redis.IsConnected ? this : throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "The state role is not connected.", null, CommandStatus.Unknown);

    private List<XElement> ReadMirror()
    {
        lock (_mirrorGate)
        {
            try
            {
                return File.Exists(mirrorFile) && OwnerOnlyDirectory(Path.GetDirectoryName(mirrorFile)!)
                    ? XDocument.Load(mirrorFile).Root?.Elements().ToList() ?? []
                    : [];
            }
            catch (Exception ex) when (ex is IOException or System.Xml.XmlException or UnauthorizedAccessException)
            {
                LogMirrorUnreadable(logger, ex, mirrorFile);
                return [];
            }
        }
    }

    // Written to a new temporary file (owner-only, never an existing one, so not a planted link) and moved into place:
    // a replica reading at the same time sees the old or the new copy.
    private void Mirror(IReadOnlyCollection<XElement> elements)
    {
        lock (_mirrorGate)
        {
            var temporary = Path.Combine(Path.GetDirectoryName(mirrorFile)!, $".{Guid.NewGuid():N}.tmp");
            try
            {
                if (!OwnerOnlyDirectory(Path.GetDirectoryName(mirrorFile)!))
                {
                    return;
                }

                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(temporary, options))
                {
                    new XDocument(new XElement("keyRing", elements)).Save(stream);
                }

                File.Move(temporary, mirrorFile, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogNotMirrored(logger, ex, mirrorFile);
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }
    }

    // The keys decrypt every cookie: a folder others can read or write is not used (and is said so in the log).
    private bool OwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return true;
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var info = Directory.Exists(directory) ? new DirectoryInfo(directory) : Directory.CreateDirectory(directory, ownerOnly);
        if (info.LinkTarget is null && (info.UnixFileMode & ~ownerOnly) == 0)
        {
            return true;
        }

        LogUnsafeDirectory(logger, directory);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The key ring could not be mirrored to {File}.")]
    private static partial void LogNotMirrored(ILogger logger, Exception exception, string file);


    [LoggerMessage(Level = LogLevel.Warning, Message = "The key ring is not mirrored: {Directory} is a link or open to other users (it must be mode 700).")]
    private static partial void LogUnsafeDirectory(ILogger logger, string directory);


    [LoggerMessage(Level = LogLevel.Warning, Message = "The key ring could not be read from Redis ({Reason}); using the {Count} keys last mirrored to {File}.")]
    private static partial void LogReadFromMirror(ILogger logger, Type reason, int count, string file);


    [LoggerMessage(Level = LogLevel.Warning, Message = "The key ring mirror {File} could not be read.")]
    private static partial void LogMirrorUnreadable(ILogger logger, Exception exception, string file);
}
