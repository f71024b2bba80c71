"""Text stages: boilerplate cleaning, matching-normalisation and sentence segmentation."""
