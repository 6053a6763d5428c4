"""Training and cross-validation of the post-processor's decisions (``newsum train``,
``newsum eval --cv``). Imported only by those commands: inference needs none of it."""
