# The seed's Airflow demo: a task that classifies a batch of images, run as a
# short-lived process. @sonde_agent.task() makes it wait (2 s at most) until
# the logs and snapshots placed in its body are installed, so that they fire
# on its one run. Run it with the agent, no other change:
#   SONDE_GATEWAY_URL=http://127.0.0.1:8790 python -m sonde_agent -m airflow tasks test classify_images classify_image_batch
import numpy as np
import pendulum
from airflow.sdk import dag, task

import sonde_agent


@dag(schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False, tags=["sonde"])
def classify_images():
    @task
    @sonde_agent.task()
    def classify_image_batch():
        # Three images of four pixels each, and one score per image.
        batch = np.linspace(0.0, 1.0, 12).reshape(3, 4)
        scores = batch.mean(axis=1)
        best = int(scores.argmax())
        return {"best": best, "score": float(scores[best])}

    classify_image_batch()


classify_images()
