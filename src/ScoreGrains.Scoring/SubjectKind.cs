namespace ScoreGrains.Scoring;

/// <summary>The three kinds of subject; each is scored by its own model.</summary>
public enum SubjectKind
{
    /// <summary>A person, keyed by national id.</summary>
    Citizen,

    /// <summary>A legal entity, keyed by registration number.</summary>
    Company,

    /// <summary>A public official, keyed by staff id.</summary>
    Official,
}
