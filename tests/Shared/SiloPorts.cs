namespace ScoreGrains.Testing;

/// <summary>A silo process's loopback ports: HTTP, silo-to-silo and gateway.</summary>
internal sealed record SiloPorts(int Http, int Silo, int Gateway)
{
    public Uri HttpAddress => new($"http://127.0.0.1:{Http}");

    public static SiloPorts Free() => new(LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
}
