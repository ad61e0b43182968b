namespace ScoreGrains.LoadTest.Options;

/// <summary>Where the signals go.</summary>
public enum TargetKind
{
    /// <summary>A silo started inside this process on an embedded PostgreSQL: nothing else to start.</summary>
    InProcess,

    /// <summary>A running silo's HTTP API (<c>POST /v1/signals</c>).</summary>
    Http,

    /// <summary>A running silo's Orleans gateway, through <c>ScoreGrains.Client</c>.</summary>
    Client,

    /// <summary>Nowhere: measures the generator's own ceiling.</summary>
    None,
}
