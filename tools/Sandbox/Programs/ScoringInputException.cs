namespace Mlops.Sandbox.Programs;

/// <summary>Input the scoring server cannot read; answered 400 with MLflow's BAD_REQUEST body.</summary>
public sealed class ScoringInputException : Exception
{
    public ScoringInputException(string message)
        : base(message)
    {
    }

    public ScoringInputException()
    {
    }

    public ScoringInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
