namespace ScoreGrains.LoadTest.Options;

/// <summary>A command line that cannot be run; the message names the option and the problem.</summary>
public sealed class OptionsException : Exception
{
    public OptionsException()
    {
    }

    public OptionsException(string message)
        : base(message)
    {
    }

    public OptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
