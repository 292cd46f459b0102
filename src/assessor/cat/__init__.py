"""The measurement core: IRT functions, the shared-strength prior, estimation, selection, stopping,
scoring, the resumable session engine, simulation and calibration. Pure library code: no UI, no
database, no model; everything takes and returns plain data."""
