using System.Globalization;

namespace HaSystem.Testing;

/// <summary>Reads the process tree from <c>/proc</c>, to reach the real process behind a wrapper or a server's sessions.</summary>
public static class ProcessTree
{
    /// <summary>The direct children of <paramref name="pid"/>; none once it has exited.</summary>
    public static int[] ChildrenOf(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        try
        {
            return File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (IOException)
        {
            return []; // it exited
        }
    }
}
