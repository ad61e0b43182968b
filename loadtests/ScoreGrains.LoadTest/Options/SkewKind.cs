namespace ScoreGrains.LoadTest.Options;

/// <summary>How subjects are picked for each signal.</summary>
public enum SkewKind
{
    /// <summary>Every subject equally likely.</summary>
    Uniform,

    /// <summary>Zipf over subject rank with exponent <see cref="LoadTestOptions.ZipfExponent"/>.</summary>
    Zipf,

    /// <summary>A hot fraction of subjects gets a fixed share of the signals.</summary>
    HotSet,

    /// <summary>Subject 0, 1, 2, ... in turn: each subject is activated once, for activation and memory runs.</summary>
    Sequential,
}
