@_exported import Timing
